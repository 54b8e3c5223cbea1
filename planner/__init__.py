"""dcplan: plan data-centre capacity, cooling and green power for East Data, West Computing."""

__version__ = "0.1.0"
