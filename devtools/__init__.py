"""Development tooling (not deployed with the app)."""
