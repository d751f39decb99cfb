{{ fact_table_model('allowances') }}
