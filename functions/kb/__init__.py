"""Knowledge base (Wissensdatenbank): folders, articles, ranked German/English search, suggestions, votes."""

from kb import messages as messages  # registers the domain's catalogue
