"""The demands panel on the JV page (registered with ventures, which imports nothing from here)."""

from ventures import panels

from .selectors import home_demands_panel, venture_demands_panel

panels.register(venture_demands_panel)
panels.register_home(home_demands_panel)
