"""Plain helpers the tests share: pictures made in code, stored files, actions and articles
made the way people make them. Fixtures live in tests/conftest.py."""
