"""Message lab: Made to Stick scoring, predicted reach, publishing, measured effect."""
