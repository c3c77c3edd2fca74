{#-
    One row per task and field: the state the model (or a reviewer) puts it in.
      accepted   at least one value accepted and nothing left in doubt
      empty      the workers agree there is no such value
      rerun      undecided, fewer usable answers than the stage's redundancy,
                 and budget left (max_assignments)
      review     undecided with enough answers: a person decides faster than
                 more paid answers would
      exhausted  undecided and the budget is spent: a person must decide
    Usable answers come from workers who are neither suspect nor blocked.
-#}

with

answer_values as (

    select * from {{ ref('int_answer_values') }}

),

candidate_decisions as (

    select * from {{ ref('int_candidate_decisions') }}

),

worker_states as (

    select * from {{ ref('int_worker_states') }}

),

assignment_tasks as (

    select * from {{ ref('int_assignment_tasks') }}

),

stages as (

    select * from {{ ref('int_pipeline_stages') }}

),

reviewed as (

    select * from {{ ref('int_reviewed_items') }}

),

task_sizes as (

    select
        task_id,
        count(*) as n_assignments

    from assignment_tasks

    group by task_id

),

{# Each worker once per task field, and whether it answered it. #}
field_workers as (

    select distinct
        answer_values.stage,
        answer_values.task_id,
        answer_values.field,
        answer_values.worker_id,
        answer_values.value_class != 'blank' as is_answering,
        not worker_states.is_distrusted as is_usable

    from answer_values

    inner join worker_states
        on answer_values.worker_id = worker_states.worker_id

),

task_fields as (

    select
        stage,
        task_id,
        field,
        count_if(is_answering) as n_answering,
        count_if(is_answering and is_usable) as n_usable

    from field_workers

    group by stage, task_id, field

),

candidate_summary as (

    select
        task_id,
        field,
        bool_or(is_multi) as is_multi,
        max(posterior) as top_posterior,
        {#- ties go to the candidate id that sorts first, so rebuilds agree -#}
        arg_min(candidate_id, struct_pack(p := -posterior, candidate_id))
            as top_candidate_id,
        count_if(is_accepted and not is_none) as n_accepted_values,
        bool_or(is_accepted and is_none) as none_accepted,
        count_if(verdict in ('contested', 'single_answer')) as n_in_doubt,
        bool_or(is_gold) as is_gold,
        bool_or(is_accepted and trusted_support >= 1 and usable_support < 2)
            as accepted_on_trust,
        {#- a multi-valued field is as certain as its least certain candidate -#}
        
        min(greatest(posterior, 1 - posterior)) as least_certainty

    from candidate_decisions

    group by task_id, field

),

field_reviews as (

    select * from reviewed

    where candidate_id is null

),

candidate_reviews as (

    select
        task_id,
        field,
        count_if(decision = 'correct') as n_corrected,
        bool_or(decision = 'rerun') as wants_rerun

    from reviewed

    where candidate_id is not null

    group by task_id, field

),

combined as (

    select
        task_fields.stage,
        task_fields.task_id,
        task_fields.field,
        task_fields.n_answering,
        task_fields.n_usable,
        coalesce(task_sizes.n_assignments, 0) as n_assignments,
        stages.redundancy,
        stages.max_assignments,
        coalesce(candidate_summary.is_multi, false) as is_multi,
        candidate_summary.top_candidate_id,
        coalesce(candidate_summary.n_accepted_values, 0)
        + coalesce(candidate_reviews.n_corrected, 0) as n_accepted_values,
        coalesce(candidate_summary.none_accepted, false) as none_accepted,
        coalesce(candidate_summary.n_in_doubt, 0) as n_in_doubt,
        coalesce(candidate_summary.is_gold, false) as is_gold,
        coalesce(candidate_summary.accepted_on_trust, false) as accepted_on_trust,
        case
            when candidate_summary.is_multi then candidate_summary.least_certainty
            else coalesce(candidate_summary.top_posterior, 0)
        end as confidence,
        coalesce(
            field_reviews.decision,
            case when candidate_reviews.wants_rerun then 'rerun' end
        ) as review_decision

    from task_fields

    inner join stages
        on task_fields.stage = stages.stage

    left join task_sizes
        on task_fields.task_id = task_sizes.task_id

    left join candidate_summary
        on
            task_fields.task_id = candidate_summary.task_id
            and task_fields.field = candidate_summary.field

    left join field_reviews
        on
            task_fields.task_id = field_reviews.task_id
            and task_fields.field = field_reviews.field

    left join candidate_reviews
        on
            task_fields.task_id = candidate_reviews.task_id
            and task_fields.field = candidate_reviews.field

),

model_states as (

    select
        *,
        case
            when n_in_doubt = 0 and n_accepted_values > 0 then 'accepted'
            when n_in_doubt = 0 and none_accepted then 'empty'
            when n_assignments >= max_assignments then 'exhausted'
            when n_usable < redundancy then 'rerun'
            else 'review'
        end as model_state,
        case
            when n_in_doubt = 0 and n_accepted_values > 0 and is_gold then 'gold'
            when n_in_doubt = 0 and n_accepted_values > 0 and accepted_on_trust
                then 'accepted_on_trusted_worker'
            when n_in_doubt = 0 and n_accepted_values > 0 then 'workers_agree'
            when n_in_doubt = 0 and none_accepted then 'workers_agree_none_exists'
            when n_assignments >= max_assignments then 'budget_spent_still_unsure'
            when n_usable < redundancy then 'too_few_usable_answers'
            when n_in_doubt > 0 then 'answers_disagree'
            else 'no_answer_stands_out'
        end as model_reason

    from combined

),

final as (

    select
        stage,
        task_id,
        field,
        case
            when review_decision in ('accept', 'correct') then 'accepted'
            when review_decision = 'none' then 'empty'
            when review_decision = 'rerun' then 'rerun'
            else model_state
        end as state,
        case
            when review_decision in ('accept', 'correct', 'none', 'rerun')
                then 'reviewer_' || review_decision
            else model_reason
        end as reason,
        model_state,
        review_decision,
        confidence,
        is_multi,
        is_gold,
        top_candidate_id,
        n_accepted_values,
        n_assignments,
        n_answering,
        n_usable,
        redundancy,
        max_assignments,
        case
            when model_state = 'rerun' or review_decision = 'rerun'
                then least(
                    greatest(redundancy - n_usable, 1),
                    max_assignments - n_assignments
                )
            else 0
        end as assignments_needed

    from model_states

)

select * from final
