app_name = "prevention"

urlpatterns = [
    # --- districts and indicators (issue 5) ---
    # --- prevention council (issue 4) ---
]
