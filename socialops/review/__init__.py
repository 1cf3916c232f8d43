"""Review: the pull-request comment, approvals and reminders."""
