"""Renderers: table, JSON (the costrail/v1 contract), Markdown (PR comment), SARIF, JUnit."""
