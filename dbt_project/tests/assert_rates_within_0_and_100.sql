-- A rate (a metric named *_rate or *_ratio other than a ratio to a plan or a year before) is a
-- share: it lies between 0 and 100 percent. Plan completion and year-on-year ratios may exceed
-- 100. (The facts this build wrote: build_scope.)
select fact_id, metric, value
from {{ ref('int_facts_joined') }}
where unit = 'percent'
  and metric like '%\_rate' escape '\'
  and metric not in ('plan_completion_rate')
  and (value < 0 or value > 100)
  and {{ build_scope('article') }}
