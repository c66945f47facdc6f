"""Wagtail admin for background jobs (exports, PDFs): status with progress, download."""
