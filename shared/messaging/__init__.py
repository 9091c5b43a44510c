"""The wire protocol: topics, versioned messages, and the Bus that carries them."""
