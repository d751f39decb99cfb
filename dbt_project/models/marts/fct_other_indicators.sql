{{ fact_table_model('other') }}
