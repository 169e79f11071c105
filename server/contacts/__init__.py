"""Contacts: the people at an account (who to call, write to, ask for), one of them primary."""
