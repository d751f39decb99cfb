-- One row per calendar day from 2000 to 2035: the periods facts can cover.
select
    cast(d as date) as date_day,
    year(d) as year,
    quarter(d) as quarter,
    month(d) as month,
    cast(date_trunc('month', d) as date) as month_start,
    cast(date_trunc('quarter', d) as date) as quarter_start,
    cast(date_trunc('year', d) as date) as year_start
from generate_series(date '2000-01-01', date '2035-12-31', interval 1 day) as t(d)
