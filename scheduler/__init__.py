"""When things are due: reminders and prompts (built by the reminders issue, #3)."""
