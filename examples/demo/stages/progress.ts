/** Reports a short progress note of a long stage (shown by the pipeline's task list). */
export type Progress = (note: string) => void;
