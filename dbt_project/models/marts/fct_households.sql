{{ fact_table_model('households') }}
