"""Tests of the approval step: review comments, verified approvals, roles, reminders, workflows."""
