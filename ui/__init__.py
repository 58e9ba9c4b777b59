"""Streamlit-only helpers: the cached engine, the login state, shared widgets and figures."""
