"""Mail feedback: SES's bounce and complaint events keep the suppression list (shared.suppression)."""
