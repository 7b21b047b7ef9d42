"""Fuji Wellness patient assistant: a Telegram bot for lower back and hip pain."""
