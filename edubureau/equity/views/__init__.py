"""The equity pages: monitoring (the 优质均衡 dashboard, a school, class sizes, what-if, the optimiser,
the evaluation table) and the resource reports with the bureau's overrides and settings."""
