"""Small reusable widgets of the lesson app."""
