"""Customer voice: insights agents hear, the themes they form, and what a change did to contacts."""
