"""Render: turning stored results into what people read (terminal tables, JSON, reports)."""
