from tests.dissemination.conftest import api, smsc, smtp  # noqa: F401 - shared loopback peers
