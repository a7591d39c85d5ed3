"""Minutes-scale detection of outbursts and debris flows from the quality-controlled stream."""
