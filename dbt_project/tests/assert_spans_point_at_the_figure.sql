-- Each fact's span lies inside its article text and covers a digit or a number word (the
-- facts of the batches this build read: build_scope).
select f.fact_id
from (select * from {{ ref('stg_news__facts') }} where {{ build_scope('batch') }}) as f
inner join {{ ref('stg_news__articles') }} as a using (article_id)
where f.span_start < 0
   or f.span_end > length(a.article_text)
   or f.span_end <= f.span_start
   or not regexp_matches(substring(a.article_text, f.span_start + 1, f.span_end - f.span_start), '[0-9]|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm')
