"""Plugins that ship with klyngepakke, registered exactly like installed ones."""
