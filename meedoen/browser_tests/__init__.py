"""Real-browser journeys: Playwright for Python driving Debian's chromium package."""
