SELECT 1 AS n, 'one' AS word UNION ALL SELECT 2, 'two' UNION ALL SELECT 3, NULL;
SELECT * FROM no_such_table;
PREPARE stmt FROM 'SELECT ? + 1 AS answer, ? AS greeting';
SET @a = 41, @b = 'hello';
EXECUTE stmt USING @a, @b;
DEALLOCATE PREPARE stmt;
SELECT CAST('12abc' AS SIGNED) AS truncated, 1/0 AS division;
SHOW WARNINGS;
