"""Answer checks for assignment tests, and the nbgrader pipeline around them."""
