"""Parser plugins for the Obsidian syntax that markdown-it-py lacks."""
