"""The one entry point the CLI, the Streamlit app and the benchmark runner all call.

>>> from qa.pipeline import Assistant
>>> assistant = Assistant.open()            # builds ./index on first use
>>> answer = assistant.ask("What is Hà Tĩnh's 2025 e-payment target?")
>>> answer.citations[0].province
'Hà Tĩnh'
"""
