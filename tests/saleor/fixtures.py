"""Fixtures for everything that speaks Saleor (the emulator lives in tests/saleor_emulator)."""
