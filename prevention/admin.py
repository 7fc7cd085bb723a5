from django.contrib import admin  # noqa: F401

# --- districts and indicators (issue 5) ---

# --- prevention council (issue 4) ---
