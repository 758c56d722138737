description = "defines no hook"
