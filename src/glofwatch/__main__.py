from glofwatch.cli import main

main()
