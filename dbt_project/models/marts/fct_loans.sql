{{ fact_table_model('loans') }}
