{{ fact_table_model('insurance_cards') }}
