"""Services: the bot's rules as plain functions and classes; no Telegram, no scheduler."""
