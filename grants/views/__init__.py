"""Pages of the grants, a module per process: rounds (the rounds and what each user may see of
them), applying (the applicant's form, sending in, the PDF copy), attachments, committees (LSU
prioritisation, SSU compilation and recommendation) and decisions (the final decision, the
exports). The steps themselves are grants.workflow's; a page reads the input, calls one step and
shows the result."""
