"""Pure schedulers: plain dataclasses in, plans out (no database, no Streamlit)."""
