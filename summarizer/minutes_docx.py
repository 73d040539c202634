def write_minutes_docx(*a, **k): raise NotImplementedError
