"""The fonts parolekit ships (Noto, SIL Open Font License 1.1: OFL.txt), loaded by render/fonts.py."""
