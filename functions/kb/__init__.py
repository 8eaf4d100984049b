"""Knowledge base (Wissensdatenbank): folders, articles, ranked German/English search, suggestions, votes."""
