report_leaks()
