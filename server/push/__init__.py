"""WeChat subscribe messages: template configuration and field values cut to WeChat's limits."""
