"""asxh-warehouse: Vietnamese social-security news -> facts. Never imports airflow or dbt."""
