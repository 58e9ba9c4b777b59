"""Headway's product core: models, services, access rules and solvers. No Streamlit here."""
