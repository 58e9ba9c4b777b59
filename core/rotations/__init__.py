"""The customer-ambassador programme on the organisation's data, one module per job."""
