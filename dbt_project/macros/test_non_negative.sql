{# Counts, amounts and rates are never negative: changes are stored positive, as printed. #}
{% test non_negative(model, column_name) %}
select * from {{ model }} where {{ column_name }} < 0
{% endtest %}
