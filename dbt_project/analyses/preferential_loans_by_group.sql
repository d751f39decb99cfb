-- Question: who gets preferential (Social Policy Bank) loans: borrowers and amounts by beneficiary
--   group, with where each figure comes from.
-- Grain: one row per loan observation (metric, unit, place, period, group) that counts borrowers
--   or amounts, labelled with its beneficiary group, programme and measure, with the chosen
--   report's sentence and URL. Nothing is added up.
-- Variables: province_today (one of today's 34 provinces; default: all, national and unresolved
--   places included).
-- Columns: measure is borrowers (lent to in the period), amount_lent (disbursed in the period),
--   outstanding_borrowers or outstanding_balance (a stock at period_end); programme is
--   preferential (any programme, or not stated), labour_export, job_creation, housing, student or
--   sanitation.
-- Caveats:
--   * Flows (borrowers, amount_lent over a period) and stocks (outstanding at a date) never add
--     to each other, and figures of different periods or places are not summed here: for sums by
--     today's province use mart_province_rollup (same period only, one level per province).
--   * Borrower counts come in different units: household, household_time (lượt hộ: a household
--     that borrowed twice counts twice) and person; compare like with like (the unit column).
--   * group_code null means the figure is not about one group (all borrowers of the programme),
--     not "no group"; a figure about several groups ("hộ nghèo, cận nghèo và hộ mới thoát nghèo")
--     is recorded under one of them: read the sentence. A borrower count and an amount of one
--     sentence may carry different groups where the article ties the group to one of them.
--   * period_basis = publication_date: no time stated; the figure is dated by its publication.
{%- set province_today = var('province_today', none) %}

with loans as (
    select
        *,
        case
            when metric = 'outstanding_loan_borrowers' then 'outstanding_borrowers'
            when metric = 'outstanding_loan_balance' then 'outstanding_balance'
            when metric like '%\_borrowers' escape '\' then 'borrowers'
            when metric in ('preferential_loan_amount', 'labour_export_loan_amount', 'job_creation_loan_amount') then 'amount_lent'
        end as measure,
        case
            when metric like 'labour\_export\_%' escape '\' then 'labour_export'
            when metric like 'job\_creation\_%' escape '\' then 'job_creation'
            when metric like 'housing\_%' escape '\' then 'housing'
            when metric like 'student\_%' escape '\' then 'student'
            when metric like 'sanitation\_%' escape '\' then 'sanitation'
            else 'preferential'
        end as programme
    from {{ ref('fct_loans') }}
    {%- if province_today %}
    where lower(nfc_normalize(province_name_today)) = lower(nfc_normalize('{{ province_today | replace("'", "''") }}'))
    {%- endif %}
)

select
    l.group_code,
    coalesce(g.name_vi, '(không nêu nhóm)') as group_name_vi,
    coalesce(g.name_en, '(group not stated)') as group_name_en,
    l.programme,
    l.measure,
    l.metric,
    m.definition_en as metric_definition,
    l.value,
    l.unit,
    l.qualifier,
    l.area_name,
    l.area_level,
    l.area_status,
    l.province_name_today,
    l.period_start,
    l.period_end,
    l.period_basis,
    l.has_conflict,
    l.support_articles,
    l.sentence,
    l.url,
    l.published_on,
    l.observation_id
from loans as l
left join {{ ref('dim_group') }} as g on g.group_code = l.group_code
left join {{ ref('dim_metric') }} as m on m.metric = l.metric
where l.measure is not null
order by l.group_code nulls last, l.programme, l.measure, l.unit, l.period_end, l.province_name_today, l.area_name
